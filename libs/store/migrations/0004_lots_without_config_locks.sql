-- A lot's point type and subtype are no longer foreign keys. Each FOREIGN KEY check locks the
-- referenced row FOR KEY SHARE, and every accrual of a program references the same few
-- point_types and subtypes rows: concurrent accruals created one MultiXact per accrual on them
-- (one each in the benchmark, with six lockers on average), which spends the MultiXact member
-- space that forces anti-wraparound vacuums of every table. The command service already takes
-- the codes from its catalog of the program; what the keys also gave, that a code in use cannot
-- disappear, these triggers keep: codes are never removed or renamed.
ALTER TABLE lots
  DROP CONSTRAINT lots_org_id_program_id_point_type_fkey,
  DROP CONSTRAINT lots_org_id_program_id_subtype_fkey;

CREATE FUNCTION refuse_code_removal() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION '% codes are never removed or renamed: lots refer to them', TG_TABLE_NAME
    USING ERRCODE = 'restrict_violation';
END $$;

CREATE TRIGGER point_types_kept BEFORE DELETE OR UPDATE OF org_id, program_id, code
  ON point_types FOR EACH ROW EXECUTE FUNCTION refuse_code_removal();
CREATE TRIGGER point_types_not_truncated BEFORE TRUNCATE
  ON point_types FOR EACH STATEMENT EXECUTE FUNCTION refuse_code_removal();
CREATE TRIGGER subtypes_kept BEFORE DELETE OR UPDATE OF org_id, program_id, code
  ON subtypes FOR EACH ROW EXECUTE FUNCTION refuse_code_removal();
CREATE TRIGGER subtypes_not_truncated BEFORE TRUNCATE
  ON subtypes FOR EACH STATEMENT EXECUTE FUNCTION refuse_code_removal();
