/**
 * The one place the process environment is read: the wiring takes what it needs from here and
 * hands values (the configuration, a table name, settings) to everything else. Lambda sets the
 * environment once per execution environment; local mode sets it before importing the wiring.
 */
export type Environment = Readonly<Record<string, string | undefined>>;

export function environment(): Environment {
  return process.env;
}

/** The table's name, for the entries that need only it (the sweeper, the subscribers). */
export function tableName(): string {
  return environment().TABLE_NAME ?? '';
}

/** Whether this code runs in Lambda (its runtime sets the function's name). */
export function inLambda(): boolean {
  return Boolean(environment().AWS_LAMBDA_FUNCTION_NAME);
}

/** Where a Lambda bundle's files are (its runtime sets it); undefined outside Lambda. */
export function lambdaTaskRoot(): string | undefined {
  return environment().LAMBDA_TASK_ROOT;
}
