-- A user holds one or more of the built-in roles (core::access::Role),
-- kept as comma-separated names. The two roles of before map to the new
-- ones: admin to administrator; member, who worked with every CRM record,
-- to sales and support.
ALTER TABLE users ADD COLUMN roles TEXT NOT NULL DEFAULT '';
UPDATE users SET roles = CASE role WHEN 'admin' THEN 'administrator' ELSE 'sales,support' END;
ALTER TABLE users DROP COLUMN role;
