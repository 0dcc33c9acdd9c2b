/** The positional parameters of one PostgreSQL query: `bind(value)` keeps the value and gives its `$n`. */
export class PgParams {
  readonly values: unknown[] = [];

  bind(value: unknown): string {
    this.values.push(value);
    return `$${this.values.length}`;
  }
}
