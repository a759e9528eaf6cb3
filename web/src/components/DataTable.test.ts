import { createElement as h } from 'react';
import { renderToStaticMarkup } from 'react-dom/server';
import { describe, expect, it } from 'vitest';
import { DataTable } from './DataTable';

type Row = { id: string; n: number };
const rows: Row[] = [
  { id: 'a', n: 1 },
  { id: 'b', n: 2 },
];
const row = (r: Row, i: number) => h('tr', { key: r.id }, h('td', null, r.id), h('td', { className: 'num' }, `${r.n}#${i}`));

describe('DataTable', () => {
  it('draws the heads with their classes, leaves out false columns, and draws each row with its index', () => {
    const html = renderToStaticMarkup(h(DataTable<Row>, { columns: ['Name', false, ['Count', 'num'], ''], rows, row, className: 'dense', label: 'Things', bodyProps: { 'aria-live': 'polite' } }));
    expect(html).toBe(
      '<div class="table-wrap"><table class="dense" aria-label="Things"><thead><tr><th>Name</th><th class="num">Count</th><th></th></tr></thead>' +
        '<tbody aria-live="polite"><tr><td>a</td><td class="num">1#0</td></tr><tr><td>b</td><td class="num">2#1</td></tr></tbody></table></div>',
    );
  });

  it('shows `empty` instead of the table when there are no rows, and nothing for a false `empty`', () => {
    expect(renderToStaticMarkup(h(DataTable<Row>, { columns: ['Name'], rows: [], row, empty: h('p', null, 'None yet.') }))).toBe('<p>None yet.</p>');
    expect(renderToStaticMarkup(h(DataTable<Row>, { columns: ['Name'], rows: [], row, empty: false }))).toBe('');
  });

  it('keeps an empty table when no `empty` is given', () => {
    expect(renderToStaticMarkup(h(DataTable<Row>, { columns: ['Name'], rows: [], row }))).toBe('<div class="table-wrap"><table><thead><tr><th>Name</th></tr></thead><tbody></tbody></table></div>');
  });

  it('puts its children under the table, inside the scrolling box', () => {
    expect(renderToStaticMarkup(h(DataTable<Row>, { columns: ['Name'], rows, row }, h('p', null, 'cut')))).toMatch(/<\/table><p>cut<\/p><\/div>$/);
  });
});
