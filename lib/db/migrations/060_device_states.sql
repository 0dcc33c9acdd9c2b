-- What a transport says of a device's connection, apart from the operator-kept registry in
-- devices: Sparkplug B births and deaths (the MQTT bridge writes them). online after a birth;
-- offline after its own death; stale when its edge node died or was reborn, so its last values
-- are no longer current until it is born again.
CREATE TABLE device_states (
  device_id   text PRIMARY KEY,
  state       text NOT NULL CHECK (state IN ('online', 'offline', 'stale')),
  -- the message that set it: NBIRTH, DBIRTH, NDEATH, DDEATH
  reason      text NOT NULL,
  source      text NOT NULL,
  changed_at  timestamptz NOT NULL,
  updated_at  timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX device_states_state_idx ON device_states (state);
