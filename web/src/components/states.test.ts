import { createElement as h } from 'react';
import { renderToStaticMarkup } from 'react-dom/server';
import { describe, expect, it } from 'vitest';
import { MorePages } from './states';

const more = () => undefined;

describe('MorePages', () => {
  it('shows the spinner while a page loads, the button when there is an older page, else nothing', () => {
    expect(renderToStaticMarkup(h(MorePages, { pages: { next: 'c1', loading: true, more }, loading: 'Loading entries', more: 'Load older entries' }))).toContain('Loading entries…');
    expect(renderToStaticMarkup(h(MorePages, { pages: { next: 'c1', loading: false, more }, loading: 'Loading entries', more: 'Load older entries' }))).toBe(
      '<button type="button" class="secondary">Load older entries</button>',
    );
    expect(renderToStaticMarkup(h(MorePages, { pages: { next: null, loading: false, more }, loading: 'Loading entries', more: 'Load older entries' }))).toBe('');
  });
});
