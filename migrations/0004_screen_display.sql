-- Hand-edited: drizzle-kit wanted to rebuild the table to add the CHECK, copying a column that does not exist yet
-- and dropping a parent of evaluation_bookings; adding the column with its CHECK in place needs no rebuild.
ALTER TABLE `evaluation_screens` ADD `display_key_version` integer DEFAULT 1 NOT NULL CONSTRAINT `evaluation_screens_display_key_version` CHECK (`display_key_version` >= 1);
