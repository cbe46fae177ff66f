CREATE TABLE `county_rating_quotas` (
	`county_id` text PRIMARY KEY NOT NULL,
	`quotas` text NOT NULL,
	`updated_by` text NOT NULL,
	`updated_at` text NOT NULL,
	FOREIGN KEY (`county_id`) REFERENCES `counties`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
DROP INDEX `plaques_branch_year`;--> statement-breakpoint
ALTER TABLE `plaques` ADD `withdrawn_at` text;--> statement-breakpoint
ALTER TABLE `plaques` ADD `withdrawn_reopening_id` text;--> statement-breakpoint
CREATE UNIQUE INDEX `plaques_branch_year` ON `plaques` (`tenant_id`,`year`,`village_id`) WHERE withdrawn_at IS NULL;