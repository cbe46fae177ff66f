CREATE TABLE `contact_household_links` (
	`id` text PRIMARY KEY NOT NULL,
	`tenant_id` text NOT NULL,
	`village_id` text NOT NULL,
	`member_id` text NOT NULL,
	`household_id` text NOT NULL,
	`created_at` text NOT NULL,
	`ended_at` text,
	FOREIGN KEY (`tenant_id`) REFERENCES `tenants`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`village_id`) REFERENCES `villages`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `contact_household_links_tenant_village` ON `contact_household_links` (`tenant_id`,`village_id`);--> statement-breakpoint
CREATE INDEX `contact_household_links_tenant_member` ON `contact_household_links` (`tenant_id`,`member_id`);--> statement-breakpoint
CREATE UNIQUE INDEX `contact_household_links_active` ON `contact_household_links` (`tenant_id`,`household_id`) WHERE ended_at IS NULL;--> statement-breakpoint
CREATE TABLE `contact_member_links` (
	`id` text PRIMARY KEY NOT NULL,
	`tenant_id` text NOT NULL,
	`village_id` text NOT NULL,
	`committee_member_id` text NOT NULL,
	`member_id` text NOT NULL,
	`created_at` text NOT NULL,
	`ended_at` text,
	FOREIGN KEY (`tenant_id`) REFERENCES `tenants`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`village_id`) REFERENCES `villages`(`id`) ON UPDATE no action ON DELETE no action,
	CONSTRAINT "contact_member_links_not_self" CHECK("contact_member_links"."committee_member_id" <> "contact_member_links"."member_id")
);
--> statement-breakpoint
CREATE INDEX `contact_member_links_tenant_village` ON `contact_member_links` (`tenant_id`,`village_id`);--> statement-breakpoint
CREATE UNIQUE INDEX `contact_member_links_active` ON `contact_member_links` (`tenant_id`,`member_id`) WHERE ended_at IS NULL;--> statement-breakpoint
CREATE TABLE `contact_signoffs` (
	`id` text PRIMARY KEY NOT NULL,
	`tenant_id` text NOT NULL,
	`village_id` text NOT NULL,
	`member_id` text NOT NULL,
	`household_id` text NOT NULL,
	`month` text NOT NULL,
	`method` text NOT NULL,
	`evidence` text NOT NULL,
	`signed_on` text NOT NULL,
	`recorded_by` text NOT NULL,
	`created_at` text NOT NULL,
	FOREIGN KEY (`tenant_id`) REFERENCES `tenants`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`village_id`) REFERENCES `villages`(`id`) ON UPDATE no action ON DELETE no action,
	CONSTRAINT "contact_signoffs_month_format" CHECK("contact_signoffs"."month" GLOB '[12][0-9][0-9][0-9]-[01][0-9]')
);
--> statement-breakpoint
CREATE UNIQUE INDEX `contact_signoffs_month` ON `contact_signoffs` (`tenant_id`,`household_id`,`month`,`member_id`);--> statement-breakpoint
CREATE INDEX `contact_signoffs_tenant_village_month` ON `contact_signoffs` (`tenant_id`,`village_id`,`month`);--> statement-breakpoint
CREATE TABLE `contact_visits` (
	`id` text PRIMARY KEY NOT NULL,
	`tenant_id` text NOT NULL,
	`village_id` text NOT NULL,
	`member_id` text NOT NULL,
	`member_name` text NOT NULL,
	`household_id` text NOT NULL,
	`household_name` text NOT NULL,
	`visited_on` text NOT NULL,
	`category` text NOT NULL,
	`findings` text DEFAULT '' NOT NULL,
	`request` text DEFAULT '' NOT NULL,
	`problem_id` text,
	`recorded_by` text NOT NULL,
	`created_at` text NOT NULL,
	FOREIGN KEY (`tenant_id`) REFERENCES `tenants`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`village_id`) REFERENCES `villages`(`id`) ON UPDATE no action ON DELETE no action,
	CONSTRAINT "contact_visits_date" CHECK("contact_visits"."visited_on" GLOB '[12][0-9][0-9][0-9]-[01][0-9]-[0-3][0-9]')
);
--> statement-breakpoint
CREATE INDEX `contact_visits_tenant_village_date` ON `contact_visits` (`tenant_id`,`village_id`,`visited_on`);--> statement-breakpoint
CREATE INDEX `contact_visits_tenant_household` ON `contact_visits` (`tenant_id`,`household_id`,`visited_on`);--> statement-breakpoint
CREATE TABLE `decision_matters` (
	`id` text PRIMARY KEY NOT NULL,
	`tenant_id` text NOT NULL,
	`village_id` text NOT NULL,
	`year` integer NOT NULL,
	`title` text NOT NULL,
	`category` text NOT NULL,
	`amount_fen` integer,
	`status` text DEFAULT 'open' NOT NULL,
	`last_stage` text,
	`irregular_implemented_on` text,
	`irregular_note` text,
	`created_by` text NOT NULL,
	`created_at` text NOT NULL,
	`updated_at` text NOT NULL,
	FOREIGN KEY (`tenant_id`) REFERENCES `tenants`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`village_id`) REFERENCES `villages`(`id`) ON UPDATE no action ON DELETE no action,
	CONSTRAINT "decision_matters_amount" CHECK("decision_matters"."amount_fen" IS NULL OR ("decision_matters"."amount_fen" >= 0 AND "decision_matters"."amount_fen" <= 100000000000)),
	CONSTRAINT "decision_matters_year" CHECK("decision_matters"."year" BETWEEN 2000 AND 2100)
);
--> statement-breakpoint
CREATE INDEX `decision_matters_tenant_village_year` ON `decision_matters` (`tenant_id`,`village_id`,`year`);--> statement-breakpoint
CREATE INDEX `decision_matters_tenant_year` ON `decision_matters` (`tenant_id`,`year`);--> statement-breakpoint
CREATE TABLE `decision_stages` (
	`id` text PRIMARY KEY NOT NULL,
	`tenant_id` text NOT NULL,
	`matter_id` text NOT NULL,
	`stage` text NOT NULL,
	`seq` integer NOT NULL,
	`held_on` text NOT NULL,
	`body` text,
	`eligible` integer,
	`present` integer,
	`votes_for` integer,
	`votes_against` integer,
	`abstentions` integer,
	`passed` integer DEFAULT true NOT NULL,
	`minutes` text DEFAULT '' NOT NULL,
	`public_text` text,
	`recorded_by` text NOT NULL,
	`created_at` text NOT NULL,
	FOREIGN KEY (`tenant_id`) REFERENCES `tenants`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`matter_id`) REFERENCES `decision_matters`(`id`) ON UPDATE no action ON DELETE cascade,
	CONSTRAINT "decision_stages_votes" CHECK(("decision_stages"."present" IS NULL OR ("decision_stages"."present" >= 0 AND "decision_stages"."eligible" IS NOT NULL AND "decision_stages"."present" <= "decision_stages"."eligible"))
        AND ("decision_stages"."votes_for" IS NULL OR "decision_stages"."votes_for" + coalesce("decision_stages"."votes_against", 0) + coalesce("decision_stages"."abstentions", 0) <= "decision_stages"."present"))
);
--> statement-breakpoint
CREATE INDEX `decision_stages_tenant_matter` ON `decision_stages` (`tenant_id`,`matter_id`);--> statement-breakpoint
CREATE UNIQUE INDEX `decision_stages_seq` ON `decision_stages` (`matter_id`,`seq`);--> statement-breakpoint
CREATE UNIQUE INDEX `decision_stages_once` ON `decision_stages` (`matter_id`,`stage`) WHERE stage <> 'review_during';--> statement-breakpoint
CREATE TABLE `disputes` (
	`id` text PRIMARY KEY NOT NULL,
	`tenant_id` text NOT NULL,
	`village_id` text NOT NULL,
	`title` text NOT NULL,
	`parties` text DEFAULT '' NOT NULL,
	`occurred_on` text NOT NULL,
	`level` text DEFAULT 'village' NOT NULL,
	`status` text DEFAULT 'in_mediation' NOT NULL,
	`outcome` text DEFAULT '' NOT NULL,
	`closed_on` text,
	`created_by` text NOT NULL,
	`created_at` text NOT NULL,
	`updated_at` text NOT NULL,
	FOREIGN KEY (`tenant_id`) REFERENCES `tenants`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`village_id`) REFERENCES `villages`(`id`) ON UPDATE no action ON DELETE no action,
	CONSTRAINT "disputes_closed" CHECK(("disputes"."status" = 'in_mediation') = ("disputes"."closed_on" IS NULL))
);
--> statement-breakpoint
CREATE INDEX `disputes_tenant_date` ON `disputes` (`tenant_id`,`occurred_on`);--> statement-breakpoint
CREATE INDEX `disputes_tenant_village` ON `disputes` (`tenant_id`,`village_id`);--> statement-breakpoint
CREATE TABLE `weak_villages` (
	`id` text PRIMARY KEY NOT NULL,
	`tenant_id` text NOT NULL,
	`village_id` text NOT NULL,
	`year_listed` integer NOT NULL,
	`reasons` text NOT NULL,
	`measures` text DEFAULT '' NOT NULL,
	`turned_around_on` text,
	`created_by` text NOT NULL,
	`created_at` text NOT NULL,
	`updated_at` text NOT NULL,
	FOREIGN KEY (`tenant_id`) REFERENCES `tenants`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`village_id`) REFERENCES `villages`(`id`) ON UPDATE no action ON DELETE no action,
	CONSTRAINT "weak_villages_year" CHECK("weak_villages"."year_listed" BETWEEN 2000 AND 2100)
);
--> statement-breakpoint
CREATE UNIQUE INDEX `weak_villages_tenant_village_year` ON `weak_villages` (`tenant_id`,`village_id`,`year_listed`);