//! Reading the files users have, exactly as Docker reads them: stack files (one or more, merged
//! as `docker stack deploy -c a.yml -c b.yml` does) and node inventories.

pub mod codes;
pub mod values;
