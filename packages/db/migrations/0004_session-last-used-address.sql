ALTER TABLE "sessions" ADD COLUMN "last_used_ip" text;--> statement-breakpoint
-- Hand-written below
-- Sessions that existed before this migration were last used, as far as the row knows, from their login's address.
UPDATE "sessions" SET "last_used_ip" = "ip" WHERE "last_used_ip" IS NULL;
