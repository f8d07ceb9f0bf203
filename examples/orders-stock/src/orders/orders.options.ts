/** Settings of the orders module. */
export interface OrdersOptions {
  /** How long a placed order waits for its payment before it expires and its stock is released. */
  unpaidTimeoutMs: number;
}

export const ORDERS_OPTIONS = Symbol('ORDERS_OPTIONS');
