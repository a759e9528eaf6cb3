/**
 * Matches a request path against an express-style route path (`/providers/:id`, `/models/*id`):
 * `:name` is one segment, `*name` the rest of the path. Enough for the admin API's routes.
 */
export function compileRoutePath(path: string): RegExp {
  let source = '';
  for (const part of path.split(/(:[A-Za-z_]\w*|\*[A-Za-z_]\w*)/)) {
    if (part.startsWith(':')) source += '[^/]+';
    else if (part.startsWith('*')) source += '.+';
    else source += part.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  }
  return new RegExp(`^${source}/?$`);
}
