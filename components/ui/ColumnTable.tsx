import type { ReactNode } from 'react';

export interface Column<Row> {
  /** The header; also the column's React key, so unique within a table. */
  label: string;
  /** Right-aligned numbers: `num` on the header and the cell. */
  num?: boolean;
  /** Classes for the cell only (after `num` when both are set), e.g. 'mono', 'wide'. */
  className?: string;
  cell: (row: Row) => ReactNode;
}

interface ColumnTableProps<Row> {
  rows: Row[];
  columns: Column<Row>[];
  /** Data attributes naming a row for tests and links (data-index / data-table). */
  mark?: (row: Row) => Record<string, string>;
  /** The row's data-testid, when tests pick rows out. */
  rowTestId?: string;
  /** The row's React key; without it the row's marks, else its position. */
  rowKey?: (row: Row) => string;
}

/** A table drawn from a list of columns; nothing at all when there are no rows (the caller says "none"). */
export function ColumnTable<Row>({ rows, columns, mark, rowTestId, rowKey }: ColumnTableProps<Row>) {
  if (rows.length === 0) return null;
  return (
    <table>
      <thead>
        <tr>
          {columns.map((column) => (
            <th key={column.label} className={column.num ? 'num' : undefined}>
              {column.label}
            </th>
          ))}
        </tr>
      </thead>
      <tbody>
        {rows.map((row, index) => {
          const marks = mark?.(row) ?? {};
          const key = rowKey?.(row) ?? (mark ? Object.values(marks).join('|') : String(index));
          return (
            <tr key={key} data-testid={rowTestId} {...marks}>
              {columns.map((column) => (
                <td key={column.label} className={cellClassName(column)}>
                  {column.cell(row)}
                </td>
              ))}
            </tr>
          );
        })}
      </tbody>
    </table>
  );
}

function cellClassName({ num, className }: { num?: boolean; className?: string }): string | undefined {
  return [num ? 'num' : null, className].filter(Boolean).join(' ') || undefined;
}
