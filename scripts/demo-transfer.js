'use strict';
// Demo scenario: Zhang San (bank1 account 1) sends 100.00 to Li Si (bank2 account 2).
// bank1 debits and commits the transfer with its message; bank2 credits it once and tells bank1,
// which marks it COMPLETED. Run by scripts/demo.js with its `{ http, say }`.
//
// The request carries a fixed Idempotency-Key: the first `npm start` on a database moves the
// money, later ones get the same transfer back (a replay) and move nothing, so running the demo
// again and again never drains Zhang San's account.

const AMOUNT = '100.00';
const IDEMPOTENCY_KEY = 'txmsg-demo-seed-5.3';

module.exports = async function transfer({ http, say }) {
  const before = await balances(http);
  say(`before: bank1 account 1 (张三) ${before.zhangSan}   bank2 account 2 (李四) ${before.liSi}`);

  const body = { fromAccountNo: '1', toAccountNo: '2', amount: AMOUNT };
  const started = Date.now();
  const reply = await http('bank1', 'POST', '/transfers', body, { 'Idempotency-Key': IDEMPOTENCY_KEY });
  say(
    `bank1 POST /transfers (Idempotency-Key: ${IDEMPOTENCY_KEY}) ${JSON.stringify(body)} -> ${reply.status} ${JSON.stringify(reply.body)}`,
  );
  if (reply.status !== 202) throw new Error(`bank1 refused the transfer: ${JSON.stringify(reply.body)}`);

  const transfer = await until(async () => {
    const status = await http('bank1', 'GET', `/transfers/${reply.body.txNo}`);
    return status.body.status === 'COMPLETED' ? status.body : undefined;
  }, `transfer ${reply.body.txNo} to be credited by bank2 and COMPLETED at bank1`);
  say(
    `bank1 GET /transfers/${transfer.txNo} -> ${JSON.stringify(transfer)}  (${Date.now() - started} ms after the POST)`,
  );

  const after = await balances(http);
  say(`after:  bank1 account 1 (张三) ${after.zhangSan}   bank2 account 2 (李四) ${after.liSi}`);
  if (after.zhangSan === before.zhangSan) {
    say(`(an earlier \`npm start\` made this transfer: the same Idempotency-Key answered it again and moved no money)`);
  }
};

async function balances(http) {
  const [zhangSan, liSi] = await Promise.all([
    http('bank1', 'GET', '/accounts/1'),
    http('bank2', 'GET', '/accounts/2'),
  ]);
  return { zhangSan: zhangSan.body.balance, liSi: liSi.body.balance };
}

async function until(probe, what, timeoutMs = 15_000) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs / 1000} s waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}
