/** Bedrock cross-region inference profiles put a geography in front of the model id. */
const GEO_PREFIX = /^(us|eu|apac|jp|au|ca|global|us-gov)\./;
/** A dated or versioned variant of a base id: -2024-08-06, @20250514, -v1:0, -latest, -preview. */
const VERSION_SUFFIX = /^([-@:](\d+|v\d+|latest|preview))+$/;

/**
 * The ids a price may be filed under for an upstream model, most specific first: the id itself,
 * the id without a geography prefix, then base ids that differ only by a date or version
 * (`gpt-4o-mini-2024-07-18` -> `gpt-4o-mini`). A different model is never matched by prefix:
 * `o3-pro` does not get `o3`'s price, nor `gpt-4o-mini` `gpt-4o`'s.
 */
export function priceKeys(upstreamModel: string): string[] {
  const ids = [upstreamModel];
  const bare = upstreamModel.replace(GEO_PREFIX, '');
  if (bare !== upstreamModel) ids.push(bare);
  const keys = [...ids];
  for (const id of ids) {
    for (let i = id.length - 1; i > 0; i--) {
      if ('-@:'.includes(id[i]) && VERSION_SUFFIX.test(id.slice(i)) && !keys.includes(id.slice(0, i))) keys.push(id.slice(0, i));
    }
  }
  return keys;
}
