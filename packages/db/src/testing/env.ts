// The test helpers' only view of the environment: which database the suite runs on.
const url = process.env.DATABASE_URL;

/** The PostgreSQL server tests create their databases on, or null for embedded PGlite. */
export const testDatabaseUrl: string | null = url === undefined || url === '' ? null : url;
