/*
 * The seat-limit message reads as a person writes it: "the Starter plan allows 1 seat", not
 * "1 seats" (the Starter plan has one seat). Same check and code as before.
 */
create or replace function private.enforce_seat_limit()
returns trigger
language plpgsql
security definer
set search_path = ''
as $$
declare
  plan public.plans := private.lock_agency_for_limits(new.agency_id);
  seats_taken integer;
begin
  select count(*) into seats_taken from public.agency_members where agency_id = new.agency_id;
  if seats_taken >= plan.max_seats then
    raise exception 'seat limit reached: the % plan allows % %',
      plan.name, plan.max_seats, case when plan.max_seats = 1 then 'seat' else 'seats' end
      using errcode = 'PT402',
            hint = 'Upgrade the plan or remove a member before adding another.';
  end if;
  return new;
end;
$$;
