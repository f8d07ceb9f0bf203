'use strict';
// The heap cap the README recommends for the services in production, which `npm start` and
// `npm run bench` use too: a bounded RSS at no measured cost in throughput.
module.exports = { SERVICE_NODE_OPTIONS: '--max-old-space-size=160' };
