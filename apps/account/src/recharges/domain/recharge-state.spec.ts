import { reconcileStep, transitionFor } from './recharge-state';

describe(transitionFor.name, () => {
  it('turns a success into SUCCEEDED with a credit', () => {
    expect(transitionFor('success')).toEqual({ status: 'SUCCEEDED', credit: true });
  });

  it('turns a fail into FAILED without a credit', () => {
    expect(transitionFor('fail')).toEqual({ status: 'FAILED', credit: false });
  });
});

describe(reconcileStep.name, () => {
  const deadline = 60_000;

  it.each([0, 59_999, 60_000, 10 * 60_000])('applies what pay knows, whatever the age (%i ms)', (age) => {
    expect(reconcileStep('found', age, deadline)).toBe('apply');
  });

  it('sends a request pay never got again before the deadline', () => {
    expect(reconcileStep('unknown', 0, deadline)).toBe('resubmit');
    expect(reconcileStep('unknown', 59_999, deadline)).toBe('resubmit');
  });

  it('fails a recharge pay still does not know at the deadline', () => {
    expect(reconcileStep('unknown', 60_000, deadline)).toBe('expire');
  });

  it.each([0, 60_000, 24 * 3_600_000])('never fails a recharge while pay cannot be asked (%i ms old)', (age) => {
    expect(reconcileStep('unreachable', age, deadline)).toBe('wait');
  });
});
