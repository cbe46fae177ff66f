CREATE TABLE `objections` (
	`id` text PRIMARY KEY NOT NULL,
	`tenant_id` text NOT NULL,
	`target` text NOT NULL,
	`problem_id` text,
	`rating_entry_id` text,
	`content` text NOT NULL,
	`contact` text,
	`created_at` text NOT NULL,
	`answer` text,
	`answered_by` text,
	`answered_at` text,
	`upheld` integer,
	FOREIGN KEY (`tenant_id`) REFERENCES `tenants`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`problem_id`) REFERENCES `problems`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`rating_entry_id`) REFERENCES `rating_entries`(`id`) ON UPDATE no action ON DELETE cascade,
	CONSTRAINT "objections_target" CHECK(("objections"."target" = 'problem' AND "objections"."problem_id" IS NOT NULL AND "objections"."rating_entry_id" IS NULL)
      OR ("objections"."target" = 'rating' AND "objections"."rating_entry_id" IS NOT NULL AND "objections"."problem_id" IS NULL)),
	CONSTRAINT "objections_content" CHECK(length("objections"."content") BETWEEN 1 AND 1000),
	CONSTRAINT "objections_answer" CHECK(("objections"."answer" IS NULL) = ("objections"."answered_at" IS NULL))
);
--> statement-breakpoint
CREATE INDEX `objections_problem` ON `objections` (`tenant_id`,`problem_id`);--> statement-breakpoint
CREATE INDEX `objections_rating` ON `objections` (`tenant_id`,`rating_entry_id`);