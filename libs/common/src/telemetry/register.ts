// Imported first by each service's main.ts, before anything loads Nest, express, http or mysql2:
// an import rather than `node --require`, so every way of starting a service (npm scripts, the
// tests' ServiceProcess, a container's `node dist/apps/<service>/main.js`) gets it with no flag.
import { startTelemetry } from './start-telemetry';

startTelemetry();
