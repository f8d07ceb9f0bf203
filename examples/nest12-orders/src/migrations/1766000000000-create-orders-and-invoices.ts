import type { MigrationInterface, QueryRunner } from 'typeorm';

/** The application's own tables: orders with the stock they take, and invoices. */
export class CreateOrdersAndInvoices1766000000000 implements MigrationInterface {
  name = 'CreateOrdersAndInvoices1766000000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE orders (
        id CHAR(36) NOT NULL PRIMARY KEY,
        sku VARCHAR(64) NOT NULL,
        quantity INT NOT NULL,
        created_at DATETIME(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3)
      ) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4`);
    await q.query(`
      CREATE TABLE stock (
        sku VARCHAR(64) NOT NULL PRIMARY KEY,
        available INT NOT NULL
      ) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4`);
    await q.query(
      `INSERT INTO stock (sku, available) VALUES ('widget', 100), ('gadget', 5)`,
    );
    // No unique order_id: a second invoice of an order would be written, and the tests would see it.
    await q.query(`
      CREATE TABLE invoices (
        id BIGINT NOT NULL AUTO_INCREMENT PRIMARY KEY,
        order_id CHAR(36) NOT NULL,
        sku VARCHAR(64) NOT NULL,
        quantity INT NOT NULL,
        created_at DATETIME(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3),
        KEY ix_invoices_order (order_id)
      ) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP TABLE invoices');
    await q.query('DROP TABLE stock');
    await q.query('DROP TABLE orders');
  }
}
