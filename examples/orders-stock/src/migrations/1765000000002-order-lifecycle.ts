import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Orders get a status (placed, then paid and shipped, or expired unpaid) and the id of their
 * delayed expiry message, so that paying can cancel it. Stock keeps one reservation per order,
 * whose status says which step of the order it has applied, and a ledger of every step in the
 * order applied.
 */
export class OrderLifecycle1765000000002 implements MigrationInterface {
  name = 'OrderLifecycle1765000000002';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      ALTER TABLE orders
        ADD COLUMN status ENUM('PLACED', 'PAID', 'SHIPPED', 'EXPIRED') NOT NULL DEFAULT 'PLACED',
        ADD COLUMN expiry_message_id VARCHAR(64) NULL,
        ADD COLUMN updated_at DATETIME(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3) ON UPDATE CURRENT_TIMESTAMP(3)`);
    await q.query(`
      CREATE TABLE stock_reservations (
        order_id CHAR(36) NOT NULL PRIMARY KEY,
        sku VARCHAR(64) NOT NULL,
        quantity INT NOT NULL,
        status ENUM('RESERVED', 'COMMITTED', 'SHIPPED', 'RELEASED') NOT NULL
      ) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4`);
    await q.query(`
      CREATE TABLE stock_movements (
        id BIGINT NOT NULL AUTO_INCREMENT PRIMARY KEY,
        order_id CHAR(36) NOT NULL,
        movement ENUM('RESERVED', 'COMMITTED', 'SHIPPED', 'RELEASED') NOT NULL,
        at DATETIME(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3),
        KEY ix_stock_movements_order (order_id, id)
      ) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP TABLE stock_movements');
    await q.query('DROP TABLE stock_reservations');
    await q.query('ALTER TABLE orders DROP COLUMN updated_at, DROP COLUMN expiry_message_id, DROP COLUMN status');
  }
}
