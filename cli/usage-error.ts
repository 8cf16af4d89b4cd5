/** A mistake in how the command was called; printed as one line, exit code 2 (see errors.ts). */
export class UsageError extends Error {}
