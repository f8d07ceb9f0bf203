import { BadRequestException } from '@nestjs/common';
import { StartTransferCommand } from './start-transfer.command';
import { toTransferRequest } from './transfer-request';

describe(toTransferRequest.name, () => {
  const request = (amount: string | number, from = '1', to = '2') =>
    toTransferRequest(new StartTransferCommand(from, to, amount));

  it('normalises the amount to 2 fraction digits', () => {
    expect(request('100').amount).toBe('100.00');
    expect(request(0.1).amount).toBe('0.10');
    expect(request('7.5').amount).toBe('7.50');
  });

  it('gives the same hash to the same request however the amount is written', () => {
    expect(request('100').hash).toBe(request('100.00').hash);
    expect(request(100).hash).toBe(request('100.00').hash);
    expect(request('100.00').hash).toMatch(/^[0-9a-f]{64}$/);
  });

  it('gives different hashes to requests that differ in amount or accounts', () => {
    const hashes = new Set([
      request('100.00').hash,
      request('100.01').hash,
      request('100.00', '3').hash,
      request('100.00', '1', '3').hash,
    ]);
    expect(hashes.size).toBe(4);
  });

  it('does not confuse account numbers that concatenate alike', () => {
    expect(request('1.00', '12', '3').hash).not.toBe(request('1.00', '1', '23').hash);
  });

  it('refuses a transfer to the source account itself', () => {
    expect(() => request('1.00', '7', '7')).toThrow(
      new BadRequestException('toAccountNo must differ from fromAccountNo'),
    );
  });

  it.each([['0'], ['-1'], ['1.001'], ['abc']])('refuses the amount %p even when the DTO was bypassed', (amount) => {
    expect(() => request(amount)).toThrow(BadRequestException);
  });
});
