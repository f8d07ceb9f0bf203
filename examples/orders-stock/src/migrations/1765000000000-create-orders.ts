import type { MigrationInterface, QueryRunner } from 'typeorm';

export class CreateOrders1765000000000 implements MigrationInterface {
  name = 'CreateOrders1765000000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE orders (
        id CHAR(36) NOT NULL PRIMARY KEY,
        sku VARCHAR(64) NOT NULL,
        quantity INT NOT NULL,
        created_at DATETIME(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3)
      ) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP TABLE orders');
  }
}
