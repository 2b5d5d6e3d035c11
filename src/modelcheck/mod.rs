pub mod explorer;
