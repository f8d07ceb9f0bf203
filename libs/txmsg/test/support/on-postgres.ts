// Setup file of the `e2e-postgres` jest project: runs before each test file's modules load, so
// that support/engine.ts reads PostgreSQL as the engine of the library's e2e files.
process.env.TXMSG_TEST_DB = 'postgres';
