import type { HTMLAttributes, ReactNode } from 'react';

/** A column head: its text, or [text, class] where the class (num, hide-narrow) goes on the <th>. '' heads an actions column. */
export type ColumnHead = string | [string, string];

/**
 * A scrolling table of `rows`, each drawn by `row` as its own <tr> (with its key). When there are
 * no rows, `empty` (if given, even as false or null) stands instead of the table. Columns given as
 * false (one a role may not see, say) are left out.
 */
export function DataTable<T>({
  columns,
  rows,
  row,
  empty,
  className,
  label,
  bodyProps,
  children,
}: {
  columns: Array<ColumnHead | false>;
  rows: readonly T[];
  row: (item: T, index: number) => ReactNode;
  empty?: ReactNode;
  className?: string;
  label?: string;
  bodyProps?: HTMLAttributes<HTMLTableSectionElement>;
  /** Under the table, inside its scrolling box: a note that the list is cut, say. */
  children?: ReactNode;
}) {
  if (rows.length === 0 && empty !== undefined) return <>{empty}</>;
  return (
    <div className="table-wrap">
      <table className={className} aria-label={label}>
        <thead>
          <tr>
            {columns.map((c, i) => {
              if (c === false) return null;
              const [text, cls] = typeof c === 'string' ? [c, undefined] : c;
              return (
                <th key={i} className={cls}>
                  {text}
                </th>
              );
            })}
          </tr>
        </thead>
        <tbody {...bodyProps}>{rows.map((r, i) => row(r, i))}</tbody>
      </table>
      {children}
    </div>
  );
}
