ALTER TABLE "users" ADD COLUMN "changed_xid" "xid8" DEFAULT pg_current_xact_id() NOT NULL;--> statement-breakpoint
CREATE INDEX "users_changed_xid_idx" ON "users" USING btree ("changed_xid");--> statement-breakpoint
-- Hand-written below
-- Every insert or update of a user records its transaction in changed_xid (which cannot be set by hand), and
-- every update or delete announces the user's id on latchkey_user_changed, whichever query (or person) wrote
-- it: the API's repositories, the CLI, psql. NOTIFY is transactional: listeners hear it only once the change
-- has committed (never when it rolled back), so an instance that refills its entry on hearing it reads the
-- committed row. An insert is not announced: no cache holds a user that did not exist. A delete leaves no row
-- for the poll to find, so only its notification reaches the caches (SECURITY.md, known gaps).
CREATE FUNCTION "users_set_changed_xid"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  NEW.changed_xid := pg_current_xact_id();
  RETURN NEW;
END;
$$;--> statement-breakpoint
CREATE TRIGGER "users_set_changed_xid" BEFORE INSERT OR UPDATE ON "users"
  FOR EACH ROW EXECUTE FUNCTION "users_set_changed_xid"();--> statement-breakpoint
CREATE FUNCTION "users_notify_changed"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  PERFORM pg_notify('latchkey_user_changed', (CASE WHEN TG_OP = 'DELETE' THEN OLD.id ELSE NEW.id END)::text);
  RETURN NULL;
END;
$$;--> statement-breakpoint
CREATE TRIGGER "users_notify_changed" AFTER UPDATE OR DELETE ON "users"
  FOR EACH ROW EXECUTE FUNCTION "users_notify_changed"();
