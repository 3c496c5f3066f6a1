-- Every change to what GetBalances reads is announced on the channel loyalty_views, so that a
-- query service can keep members' balances in memory and drop an entry the moment it is stale
-- (docs/query.md, "Balance cache"). Payloads, sent at commit, in commit order:
--   'm <org_id> <member_id>'  the member's open lots, totals, enrolments, kind or status changed
--   'o <org_id>'              the org's group valuation may have changed
--   'p <position>'            the views reached this ledger position (last in its transaction)
--   'a'                       anything may have changed (a table was truncated)
CREATE FUNCTION notify_member_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP <> 'INSERT' THEN
    PERFORM pg_notify('loyalty_views', 'm ' || OLD.org_id || ' ' || OLD.member_id);
  END IF;
  IF TG_OP <> 'DELETE' THEN
    PERFORM pg_notify('loyalty_views', 'm ' || NEW.org_id || ' ' || NEW.member_id);
  END IF;
  RETURN NULL;
END $$;

CREATE FUNCTION notify_org_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP <> 'INSERT' THEN PERFORM pg_notify('loyalty_views', 'o ' || OLD.org_id); END IF;
  IF TG_OP <> 'DELETE' THEN PERFORM pg_notify('loyalty_views', 'o ' || NEW.org_id); END IF;
  RETURN NULL;
END $$;

CREATE FUNCTION notify_view_position() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  PERFORM pg_notify('loyalty_views', 'p ' || NEW.position);
  RETURN NULL;
END $$;

CREATE FUNCTION notify_everything_changed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  PERFORM pg_notify('loyalty_views', 'a');
  RETURN NULL;
END $$;

CREATE TRIGGER view_lots_announced AFTER INSERT OR UPDATE OR DELETE
  ON view_lots FOR EACH ROW EXECUTE FUNCTION notify_member_change();
CREATE TRIGGER view_totals_announced AFTER INSERT OR UPDATE OR DELETE
  ON view_totals FOR EACH ROW EXECUTE FUNCTION notify_member_change();
CREATE TRIGGER view_enrolments_announced AFTER INSERT OR UPDATE OR DELETE
  ON view_enrolments FOR EACH ROW EXECUTE FUNCTION notify_member_change();
-- Commands bump members.state_version on every call: only kind and status count here.
CREATE TRIGGER members_announced AFTER UPDATE OF org_id, member_id, kind, status OR DELETE
  ON members FOR EACH ROW EXECUTE FUNCTION notify_member_change();
CREATE TRIGGER orgs_announced AFTER UPDATE OF org_id, default_program_id OR DELETE
  ON orgs FOR EACH ROW EXECUTE FUNCTION notify_org_change();
CREATE TRIGGER programs_announced AFTER INSERT OR UPDATE OR DELETE
  ON programs FOR EACH ROW EXECUTE FUNCTION notify_org_change();
CREATE TRIGGER view_checkpoint_announced AFTER INSERT OR UPDATE
  ON view_checkpoint FOR EACH ROW EXECUTE FUNCTION notify_view_position();
CREATE TRIGGER view_lots_truncate_announced AFTER TRUNCATE
  ON view_lots FOR EACH STATEMENT EXECUTE FUNCTION notify_everything_changed();
CREATE TRIGGER view_totals_truncate_announced AFTER TRUNCATE
  ON view_totals FOR EACH STATEMENT EXECUTE FUNCTION notify_everything_changed();
CREATE TRIGGER view_enrolments_truncate_announced AFTER TRUNCATE
  ON view_enrolments FOR EACH STATEMENT EXECUTE FUNCTION notify_everything_changed();
CREATE TRIGGER members_truncate_announced AFTER TRUNCATE
  ON members FOR EACH STATEMENT EXECUTE FUNCTION notify_everything_changed();
CREATE TRIGGER programs_truncate_announced AFTER TRUNCATE
  ON programs FOR EACH STATEMENT EXECUTE FUNCTION notify_everything_changed();
