'use strict';
// The heap limits recommended for the services in production, which `npm start` and
// `npm run bench` use too: old space capped at 160 MB, and the young generation's semi-spaces at
// 8 MB (Node 24 sizes them from the machine's memory; on 24 GB its default took bank1's RSS to
// 230 MB and made V8 collect the capped old space over and over; 8 MB peaks at ~167 MB with the
// same CPU per transfer as 16 MB).
module.exports = { SERVICE_NODE_OPTIONS: '--max-old-space-size=160 --max-semi-space-size=8' };
