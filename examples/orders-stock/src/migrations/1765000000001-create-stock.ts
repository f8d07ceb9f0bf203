import type { MigrationInterface, QueryRunner } from 'typeorm';

export class CreateStock1765000000001 implements MigrationInterface {
  name = 'CreateStock1765000000001';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE stock (
        sku VARCHAR(64) NOT NULL PRIMARY KEY,
        on_hand INT NOT NULL,
        reserved INT NOT NULL DEFAULT 0
      ) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4`);
    await q.query(`INSERT INTO stock (sku, on_hand) VALUES ('widget', 100), ('gadget', 5)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP TABLE stock');
  }
}
