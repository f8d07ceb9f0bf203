'use strict';
// After the ordered consumer drain: the cheap proof that bank2 applied what it was sent, once,
// and in each key's order. Every transfer of the backlog must have its incoming_transfer row and
// bank2's balances must have grown by exactly the backlog's amounts (a transfer credited twice
// would show there, not in the row count: tx_no is unique). For a few keys, the rows' ids must
// follow the sequence order: ids are taken at insert, and an ordered consumer inserts a key's
// next transfer only once the previous one is applied, in the same transaction or a later one.
// That the consumer was an ordered one at all shows in its cursors: each key's last applied
// sequence must be the key's last, and no message may be left held.
const { orderingKeyOf } = require('./drains');

const CHUNK = 1000; // transfer numbers per IN list
const KEYS_CHECKED = 5;

/** bank2's total balance in cents, taken before the drain and handed to {@link checkOrdered}. */
async function balanceCents(pool2) {
  const { total } = (await pool2.query('SELECT COALESCE(SUM(balance), 0) AS total FROM account_info')).rows[0];
  return cents(total);
}

/**
 * Checks the drain of `messages` (seeded with `orderingPrefix`): what was applied and credited
 * against what was sent, `outOfOrder` naming the checked keys whose rows came in another order,
 * `cursorsBehind` the keys whose cursor did not reach their last sequence, `held` the messages
 * still held back; `ok` when all of it is as it should be.
 */
async function checkOrdered({ pool2, messages, orderingPrefix, balanceBefore }) {
  const byKey = new Map();
  for (const m of messages) {
    const key = orderingKeyOf(orderingPrefix, m);
    if (!byKey.has(key)) byKey.set(key, []);
    byKey.get(key).push(m.txNo);
  }
  const applied = await appliedCount(pool2, messages);
  const expectedCents = messages.reduce((sum, m) => sum + cents(m.amount), 0);
  const creditedCents = (await balanceCents(pool2)) - balanceBefore;
  const checked = [...byKey.keys()].slice(0, KEYS_CHECKED);
  const outOfOrder = [];
  for (const key of checked) if (!(await appliedInOrder(pool2, byKey.get(key)))) outOfOrder.push(key);
  const { cursorsBehind, held } = await cursorState(pool2, orderingPrefix, byKey);
  return {
    applied,
    expected: messages.length,
    creditedCents,
    expectedCents,
    keysChecked: checked.length,
    outOfOrder,
    keys: byKey.size,
    cursorsBehind,
    held,
    ok:
      applied === messages.length &&
      creditedCents === expectedCents &&
      outOfOrder.length === 0 &&
      cursorsBehind === 0 &&
      held === 0,
  };
}

/** How many of `messages` have their incoming_transfer row. */
async function appliedCount(pool2, messages) {
  let applied = 0;
  for (let i = 0; i < messages.length; i += CHUNK) {
    const txNos = messages.slice(i, i + CHUNK).map((m) => m.txNo);
    const sql = `SELECT COUNT(*) AS n FROM incoming_transfer WHERE tx_no IN (${marks(txNos)})`;
    applied += Number((await pool2.query(sql, txNos)).rows[0].n);
  }
  return applied;
}

/** Whether the rows of `txNos` (one key's transfers in sequence order) were inserted in that order. */
async function appliedInOrder(pool2, txNos) {
  const sql = `SELECT tx_no FROM incoming_transfer WHERE tx_no IN (${marks(txNos)}) ORDER BY id`;
  const { rows } = await pool2.query(sql, txNos);
  return rows.map((row) => row.tx_no).join() === txNos.join();
}

/** The keys whose cursor is not at their last sequence, and the messages of the run still held. */
async function cursorState(pool2, orderingPrefix, byKey) {
  const like = [`${orderingPrefix}-%`];
  const { rows } = await pool2.query(
    'SELECT ordering_key, last_seq FROM txmsg_ordering_cursor WHERE ordering_key LIKE ?',
    like,
  );
  const lastSeq = new Map(rows.map((row) => [row.ordering_key, Number(row.last_seq)]));
  const cursorsBehind = [...byKey].filter(([key, txNos]) => lastSeq.get(key) !== txNos.length).length;
  const sql = 'SELECT COUNT(*) AS n FROM txmsg_ordering_held WHERE ordering_key LIKE ?';
  return { cursorsBehind, held: Number((await pool2.query(sql, like)).rows[0].n) };
}

const marks = (values) => values.map(() => '?').join(', ');
const cents = (amount) => Math.round(Number(amount) * 100);

module.exports = { balanceCents, checkOrdered };
