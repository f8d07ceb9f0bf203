import type { TransactionalAdapter } from '@nestjs-cls/transactional';
import type { TestTransactions } from './test-transactions';

/**
 * A transactional adapter for `@nestjs-cls/transactional` with no database: `@Transactional()`
 * and `TransactionHost.withTransaction` run their function in a {@link TestTransactions}
 * transaction, which commits when it resolves and rolls back when it throws; `Propagation` works
 * as with a database adapter (`Nested` is a savepoint). `TransactionHost.tx` is `client`, in a
 * transaction and out.
 */
export function inMemoryTransactionalAdapter(
  transactions: TestTransactions,
  client: object,
): TransactionalAdapter<{ client: object }, object, Record<string, unknown>> {
  return {
    // Wrapped: Nest looks for lifecycle hooks on a provided value, and the stub answers every name.
    connection: { client },
    optionsFactory: ({ client: connection }) => ({
      wrapWithTransaction: (_options, fn, setTx) =>
        transactions.run(undefined, () => {
          setTx(connection);
          return fn();
        }),
      wrapWithNestedTransaction: (_options, fn, setTx, tx) =>
        transactions.run(transactions.current(), () => {
          setTx(tx);
          return fn();
        }),
      getFallbackInstance: () => connection,
    }),
  };
}

/**
 * What `TransactionHost.tx` is when the test gives no client of its own: any method called on it
 * throws a sentence saying how to give one, rather than `undefined is not a function`.
 */
export function stubClient(): object {
  return new Proxy(
    {},
    {
      get(target, property) {
        if (typeof property !== 'string' || property === 'then' || property in target) {
          return Reflect.get(target, property);
        }
        return () => {
          throw new Error(
            `TransactionHost.tx.${property}() was called under TxMsgTestingModule, which has no database; give TxMsgTestingModule.forRoot({ tx }) a fake of the transaction client your code uses`,
          );
        };
      },
    },
  );
}
