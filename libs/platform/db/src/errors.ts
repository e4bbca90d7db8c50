/** mysql2 error numbers worth telling apart; drizzle wraps driver errors, so look at the cause too. */
const errno = (error: unknown): number | undefined => {
  for (let current = error; current instanceof Error; current = current.cause) {
    const value = (current as { errno?: unknown }).errno;
    if (typeof value === 'number') return value;
  }
  return undefined;
};

/** ER_DUP_ENTRY: a unique index already holds the value. */
export const isDuplicateKeyError = (error: unknown): boolean => errno(error) === 1062;

/** ER_ROW_IS_REFERENCED(_2): a foreign key from another row still points here. */
export const isReferencedRowError = (error: unknown): boolean => [1451, 1217].includes(errno(error) ?? 0);

/** ER_NO_REFERENCED_ROW(_2): the referenced row does not exist. */
export const isMissingReferenceError = (error: unknown): boolean => [1452, 1216].includes(errno(error) ?? 0);
