-- Name lists sort and filter by a folded key (case and common accents
-- ignored, last name then first name), computed by core::sorting. Existing
-- rows get their keys from the migration runner in the same transaction.
-- The keys compare byte by byte (COLLATE "C"), as on SQLite: a locale
-- collation would skip the separator and put Bergmann before Berg.
ALTER TABLE organisations ADD COLUMN sort_name TEXT COLLATE "C" NOT NULL DEFAULT '';
ALTER TABLE contacts ADD COLUMN sort_name TEXT COLLATE "C" NOT NULL DEFAULT '';
DROP INDEX organisations_by_name;
DROP INDEX contacts_by_name;
DROP INDEX contacts_by_organisation;
CREATE INDEX organisations_by_sort_name ON organisations (tenant_id, sort_name, organisation_id);
CREATE INDEX contacts_by_sort_name ON contacts (tenant_id, sort_name, contact_id);
CREATE INDEX contacts_by_organisation ON contacts (tenant_id, organisation_id, sort_name, contact_id);
