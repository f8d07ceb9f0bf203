import { printLogsIfFailed } from './failure-logs';

// Services start in seconds and faults take a while to heal; per-test waits have their own
// deadlines well inside this.
jest.setTimeout(60_000);

afterEach(printLogsIfFailed);
afterAll(printLogsIfFailed);
