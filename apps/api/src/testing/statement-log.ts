// The SQL of every statement an API instance sends, recorded at the ORM (`onQuery` of the test database), so a
// test can say how many reads a call costs, and which, without timing anything.
export class StatementLog {
  readonly statements: string[] = [];
  /** Pass as `onQuery` to `createTestDatabase` or `createDb`. */
  readonly record = (sql: string): void => {
    this.statements.push(sql);
  };
  /** The statements sent while `work` ran (other work in flight at the same time would be counted too). */
  async during(work: () => Promise<unknown>): Promise<string[]> {
    const start = this.statements.length;
    await work();
    return this.statements.slice(start);
  }
}
