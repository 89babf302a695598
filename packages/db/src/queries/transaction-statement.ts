import { getTableColumns, type Query } from 'drizzle-orm';
import type { PgTable, PreparedQueryConfig } from 'drizzle-orm/pg-core';
import type { LatchkeyOrm } from '../database.js';

/**
 * A statement built once, with `sql.placeholder`s, and run inside any transaction as a server-side
 * prepared statement.
 *
 * Why not `.prepare(name)`: a Drizzle prepared query is bound to the session that built it, and
 * `orm.transaction` hands its callback another session (on postgres.js, the connection reserved for the
 * transaction). Building each statement on `tx` with `.prepare(name)` does prepare it on the server, but
 * rebuilds its SQL text on every call, which left rotations well behind raw postgres.js in the rotation bench
 * while building the text once brought them level (`pnpm bench --only refresh`; bench/README.md). So the
 * text is built here once and handed, per transaction, to that transaction's session through
 * `prepareQuery`, the public method Drizzle's own builders call. A name makes Drizzle's postgres.js driver
 * pass `prepare: true`, and postgres.js then parses and plans the text once per connection (its statement
 * cache is keyed by the text and parameter types; the name is not sent). PGlite ignores the name.
 */
export interface TransactionStatement<TRow> {
  /** Runs the statement on `tx` with the placeholders' values; resolves to the decoded rows. */
  execute(tx: LatchkeyOrm, values: Record<string, unknown>): Promise<TRow[]>;
}

/**
 * Wraps a built query (`builder.toSQL()`) for {@link TransactionStatement}; `decodeRow` turns one row,
 * as an array in the query's column order, into its typed value.
 *
 * @example
 * const tokenColumns = tableRowDecoder(refreshTokens);
 * const readToken = prepareForTransactions(
 *   'read_token',
 *   orm.select().from(refreshTokens).where(eq(refreshTokens.tokenHash, sql.placeholder('hash'))).toSQL(),
 *   (row) => tokenColumns.decode(row, 0),
 * );
 * await orm.transaction(async (tx) => readToken.execute(tx, { hash }));
 */
export function prepareForTransactions<TRow>(
  name: string,
  query: Query,
  decodeRow: (row: unknown[]) => TRow,
): TransactionStatement<TRow> {
  const decodeRows = (rows: unknown[][]): TRow[] => rows.map(decodeRow);
  return {
    execute(tx, values) {
      return tx._.session
        .prepareQuery<PreparedQueryConfig & { execute: TRow[] }>(query, undefined, name, true, decodeRows)
        .execute(values);
    },
  };
}

/** Decodes a table's columns from an array row, the way Drizzle maps the rows of its own queries. */
export interface TableRowDecoder<TRow> {
  /** How many columns the table selects (`select *` and `returning *` order). */
  readonly width: number;
  /** The row value made of `row[offset]` .. `row[offset + width - 1]`. */
  decode(row: unknown[], offset: number): TRow;
}

/**
 * A {@link TableRowDecoder} for every column of `table`, in the order Drizzle selects them (the table
 * definition's), each value through its column's driver mapping (e.g. timestamp text to `Date`).
 */
export function tableRowDecoder<TTable extends PgTable>(
  table: TTable,
): TableRowDecoder<TTable['$inferSelect']> {
  const columns = Object.entries(getTableColumns(table));
  return {
    width: columns.length,
    decode(row, offset) {
      const decoded: Record<string, unknown> = {};
      columns.forEach(([key, column], index) => {
        const value = row[offset + index];
        decoded[key] = value === null || value === undefined ? null : column.mapFromDriverValue(value);
      });
      // The keys and decoders come from the table itself, so the shape is its select type.
      return decoded;
    },
  };
}
