import { BadRequestException } from '@nestjs/common';
import { checkIdempotencyKey, TX_NO_IDEMPOTENCY_KEY } from './idempotency-key.decorator';
import { TxNoPipe } from './tx-no.pipe';

const UUID = { pattern: /^[0-9a-f-]{36}$/, message: 'txNo must be a UUID' };

describe(TxNoPipe.name, () => {
  it('passes a transaction number through and refuses anything else with a 400', () => {
    expect(new TxNoPipe().transform('tx_1-a')).toBe('tx_1-a');
    expect(() => new TxNoPipe().transform('a b')).toThrow(
      new BadRequestException('txNo must be 1 to 64 letters, digits, "-" or "_"'),
    );
  });

  it("answers with the given format's sentence", () => {
    expect(() => new TxNoPipe(UUID).transform('tx-1')).toThrow(new BadRequestException('txNo must be a UUID'));
  });
});

describe(checkIdempotencyKey.name, () => {
  it('leaves an absent key undefined and passes a valid one through', () => {
    expect(checkIdempotencyKey(undefined, TX_NO_IDEMPOTENCY_KEY)).toBeUndefined();
    expect(checkIdempotencyKey('order-42', TX_NO_IDEMPOTENCY_KEY)).toBe('order-42');
  });

  it('refuses a malformed key or one that is not a single string', () => {
    const refusal = new BadRequestException('Idempotency-Key must be 1 to 64 letters, digits, "-" or "_"');
    expect(() => checkIdempotencyKey('x'.repeat(65), TX_NO_IDEMPOTENCY_KEY)).toThrow(refusal);
    expect(() => checkIdempotencyKey(['a', 'b'], TX_NO_IDEMPOTENCY_KEY)).toThrow(refusal);
  });
});
