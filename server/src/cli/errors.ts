/** A problem with how the command was called or what it was asked to do: printed without a stack. */
export class CliError extends Error {}
