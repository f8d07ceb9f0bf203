'use strict';
// The heap limits the README recommends for the services in production, which `npm start` and
// `npm run bench` use too: old space capped at 160 MB, and the young generation's semi-spaces at
// 16 MB (Node 24 sizes them from the machine's memory; on 24 GB its default took bank1's RSS to
// 230 MB and made V8 collect the capped old space over and over).
module.exports = { SERVICE_NODE_OPTIONS: '--max-old-space-size=160 --max-semi-space-size=16' };
