ALTER TABLE "sessions" DROP CONSTRAINT "sessions_user_id_users_id_fk";
--> statement-breakpoint
ALTER TABLE "audit_events" DROP CONSTRAINT "audit_events_user_id_users_id_fk";
--> statement-breakpoint
CREATE INDEX "sessions_user_id_ended_idx" ON "sessions" USING btree ("user_id","revoked_at" DESC NULLS LAST) WHERE "sessions"."revoked_at" is not null;--> statement-breakpoint
ALTER TABLE "sessions" ADD CONSTRAINT "sessions_revoked_reason_known" CHECK ("sessions"."revoked_reason" is null or "sessions"."revoked_reason" in ('logout', 'logout-all', 'revoked-by-user', 'revoked-by-admin', 'password-changed', 'password-reset', 'refresh-reuse', 'user-disabled', 'account-deleted'));