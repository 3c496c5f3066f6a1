-- What a query service reading from a hot standby needs to keep its balance cache (docs/read-side.md,
-- "Balance cache on a standby"). A standby can neither LISTEN nor receive the announcements of
-- migration 0005, so it learns of changes from replicated rows instead:
--   - the projector's changes from the outbox events between two checkpoint positions (no extra
--     write: the events name the members whose lots, totals and enrolments they set);
--   - the rest, which is rare (a member's kind or status; an org's default program; programs),
--     from view_changes, numbered per organisation by orgs.view_change_seq. The number is taken
--     by updating the org's row, whose lock is held until commit: the numbers of one
--     organisation become visible in their order, on the primary and on every standby alike.
-- Each organisation keeps its last 1,000 rows; a reader that finds a gap assumes the whole
-- organisation changed.
ALTER TABLE orgs ADD COLUMN view_change_seq bigint NOT NULL DEFAULT 0;

CREATE TABLE view_changes (
  org_id    text NOT NULL,
  seq       bigint NOT NULL,
  member_id text,  -- NULL: anything of the organisation (its group valuation) may have changed
  PRIMARY KEY (org_id, seq)
);

CREATE FUNCTION record_view_change(changed_org text, changed_member text) RETURNS void
LANGUAGE plpgsql AS $$
DECLARE
  next_seq bigint;
BEGIN
  UPDATE orgs SET view_change_seq = view_change_seq + 1 WHERE org_id = changed_org
    RETURNING view_change_seq INTO next_seq;
  IF next_seq IS NULL THEN RETURN; END IF;  -- the organisation itself is being deleted
  INSERT INTO view_changes (org_id, seq, member_id) VALUES (changed_org, next_seq, changed_member);
  DELETE FROM view_changes WHERE org_id = changed_org AND seq <= next_seq - 1000;
END $$;

CREATE FUNCTION record_member_view_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  PERFORM record_view_change(OLD.org_id, OLD.member_id);
  IF TG_OP = 'UPDATE' AND (NEW.org_id, NEW.member_id) <> (OLD.org_id, OLD.member_id) THEN
    PERFORM record_view_change(NEW.org_id, NEW.member_id);
  END IF;
  RETURN NULL;
END $$;

CREATE FUNCTION record_org_view_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  PERFORM record_view_change(CASE WHEN TG_OP = 'DELETE' THEN OLD.org_id ELSE NEW.org_id END, NULL);
  RETURN NULL;
END $$;

-- The same changes as migration 0005 announces with 'm' (members) and 'o' (orgs, programs).
CREATE TRIGGER members_view_change AFTER UPDATE OF org_id, member_id, kind, status OR DELETE
  ON members FOR EACH ROW EXECUTE FUNCTION record_member_view_change();
CREATE TRIGGER orgs_view_change AFTER UPDATE OF default_program_id
  ON orgs FOR EACH ROW EXECUTE FUNCTION record_org_view_change();
CREATE TRIGGER programs_view_change AFTER INSERT OR UPDATE OR DELETE
  ON programs FOR EACH ROW EXECUTE FUNCTION record_org_view_change();
