'use strict';
// The accounts the bench creates and the two workloads (many accounts, one hot account).
const { random } = require('./stats');

const ACCOUNTS = 200;
const SOURCES = Array.from({ length: ACCOUNTS }, (_, i) => String(100000 + i));
const TARGETS = Array.from({ length: ACCOUNTS }, (_, i) => String(200000 + i));
const HOT = '1';
const AMOUNT = '1.00';

/** 200 funded accounts in bank1, 200 empty ones in bank2, and the hot account 1 refilled. */
async function seed(pool1, pool2) {
  const columns = ['account_no', 'account_name', 'balance'];
  const rows = (accounts, balance) => accounts.map((no) => [no, `bench ${no}`, balance]);
  await pool1.insertRows('account_info', columns, rows(SOURCES, '1000000.00'));
  await pool2.insertRows('account_info', columns, rows(TARGETS, '0.00'));
  await pool1.query(`UPDATE account_info SET balance = 100000000.00 WHERE account_no = ?`, [HOT]);
}

/** `pick(i)` → the i-th transfer of a workload: spread over many accounts, or all from account 1. */
function workload(kind, seed = 42) {
  const next = random(seed);
  const target = () => TARGETS[Math.floor(next() * ACCOUNTS)];
  if (kind === 'hot') return () => ({ fromAccountNo: HOT, toAccountNo: target(), amount: AMOUNT });
  return () => ({ fromAccountNo: SOURCES[Math.floor(next() * ACCOUNTS)], toAccountNo: target(), amount: AMOUNT });
}

module.exports = { seed, workload, ACCOUNTS };
