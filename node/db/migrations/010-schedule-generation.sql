-- A counter bumped by every change to what decides where slots are, so that a node can keep the
-- calendars it reads on every booking and know, with one read, when its copy is stale.

CREATE TABLE schedule_generation (
  id INTEGER PRIMARY KEY CHECK (id = 1),
  value INTEGER NOT NULL
);
INSERT INTO schedule_generation (id, value) VALUES (1, 0);

CREATE TRIGGER services_insert_schedule AFTER INSERT ON services
  BEGIN UPDATE schedule_generation SET value = value + 1 WHERE id = 1; END;
CREATE TRIGGER services_update_schedule AFTER UPDATE ON services
  BEGIN UPDATE schedule_generation SET value = value + 1 WHERE id = 1; END;
CREATE TRIGGER services_delete_schedule AFTER DELETE ON services
  BEGIN UPDATE schedule_generation SET value = value + 1 WHERE id = 1; END;

CREATE TRIGGER service_overrides_insert_schedule AFTER INSERT ON service_overrides
  BEGIN UPDATE schedule_generation SET value = value + 1 WHERE id = 1; END;
CREATE TRIGGER service_overrides_update_schedule AFTER UPDATE ON service_overrides
  BEGIN UPDATE schedule_generation SET value = value + 1 WHERE id = 1; END;
CREATE TRIGGER service_overrides_delete_schedule AFTER DELETE ON service_overrides
  BEGIN UPDATE schedule_generation SET value = value + 1 WHERE id = 1; END;

CREATE TRIGGER calendars_insert_schedule AFTER INSERT ON calendars
  BEGIN UPDATE schedule_generation SET value = value + 1 WHERE id = 1; END;
CREATE TRIGGER calendars_update_schedule AFTER UPDATE ON calendars
  BEGIN UPDATE schedule_generation SET value = value + 1 WHERE id = 1; END;
CREATE TRIGGER calendars_delete_schedule AFTER DELETE ON calendars
  BEGIN UPDATE schedule_generation SET value = value + 1 WHERE id = 1; END;

CREATE TRIGGER opening_hours_insert_schedule AFTER INSERT ON opening_hours
  BEGIN UPDATE schedule_generation SET value = value + 1 WHERE id = 1; END;
CREATE TRIGGER opening_hours_update_schedule AFTER UPDATE ON opening_hours
  BEGIN UPDATE schedule_generation SET value = value + 1 WHERE id = 1; END;
CREATE TRIGGER opening_hours_delete_schedule AFTER DELETE ON opening_hours
  BEGIN UPDATE schedule_generation SET value = value + 1 WHERE id = 1; END;

CREATE TRIGGER closures_insert_schedule AFTER INSERT ON closures
  BEGIN UPDATE schedule_generation SET value = value + 1 WHERE id = 1; END;
CREATE TRIGGER closures_update_schedule AFTER UPDATE ON closures
  BEGIN UPDATE schedule_generation SET value = value + 1 WHERE id = 1; END;
CREATE TRIGGER closures_delete_schedule AFTER DELETE ON closures
  BEGIN UPDATE schedule_generation SET value = value + 1 WHERE id = 1; END;
