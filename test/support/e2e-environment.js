// Node test environment that records failing tests and hooks, so the e2e helpers can print the
// logs of the service processes only when something failed (see failure-logs.ts).
const { TestEnvironment } = require('jest-environment-node');

class E2eEnvironment extends TestEnvironment {
  async handleTestEvent(event) {
    if (event.name === 'test_fn_failure' || event.name === 'hook_failure') {
      this.global.__e2eFailures = (this.global.__e2eFailures ?? 0) + 1;
    }
  }
}

module.exports = E2eEnvironment;
