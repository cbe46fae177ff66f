CREATE TABLE `township_import_leases` (
	`township_id` text PRIMARY KEY NOT NULL,
	`token` text NOT NULL,
	`renewed_at` text NOT NULL
);
