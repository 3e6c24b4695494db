#include "myetcd/mvcc/apply.h"

#include "myetcd/mvcc/store.h"

namespace myetcd::mvcc {

Status ApplyDispatcher::Register(CommandType type, std::string name, Handler handler) {
  if (type == 0) return Status::InvalidArgument("command type 0 is reserved");
  if (!handler) return Status::InvalidArgument("command handler is empty");
  if (table_[type].handler) {
    return Status::AlreadyExists("command type " + std::to_string(type) + " is taken by " +
                                 table_[type].name);
  }
  table_[type] = Entry{std::move(name), std::move(handler)};
  return Status::OK();
}

Result<std::any> ApplyDispatcher::Apply(std::string_view command) const {
  CommandType type;
  std::string_view payload;
  MYETCD_RETURN_IF_ERROR(SplitCommand(command, &type, &payload));
  const Entry& e = table_[type];
  if (!e.handler) {
    return Status::Corruption("command: no handler for command type " + std::to_string(type));
  }
  return e.handler(payload);
}

namespace {

// Decode, run, and wrap the response in std::any; errors pass through.
template <typename Req, typename Resp, typename Decode, typename Run>
ApplyDispatcher::Handler MakeHandler(Decode decode, Run run) {
  return [decode, run](std::string_view payload) -> Result<std::any> {
    Result<Req> req = decode(payload);
    if (!req.ok()) return req.status();
    Result<Resp> resp = run(*req);
    if (!resp.ok()) return resp.status();
    return std::any(std::move(resp).value());
  };
}

}  // namespace

Status RegisterKvCommands(ApplyDispatcher& d, MvccStore& store) {
  MvccStore* s = &store;
  MYETCD_RETURN_IF_ERROR(
      d.Register(command_type::kPut, "put",
                 MakeHandler<PutRequest, PutResponse>(
                     DecodePut, [s](const PutRequest& r) { return s->Put(r); })));
  MYETCD_RETURN_IF_ERROR(d.Register(
      command_type::kDeleteRange, "delete_range",
      MakeHandler<DeleteRangeRequest, DeleteRangeResponse>(
          DecodeDeleteRange, [s](const DeleteRangeRequest& r) { return s->DeleteRange(r); })));
  MYETCD_RETURN_IF_ERROR(
      d.Register(command_type::kTxn, "txn",
                 MakeHandler<TxnRequest, TxnResponse>(
                     DecodeTxn, [s](const TxnRequest& r) { return s->Txn(r); })));
  return d.Register(
      command_type::kCompact, "compact",
      MakeHandler<CompactRequest, CompactResponse>(
          DecodeCompact, [s](const CompactRequest& r) { return s->Compact(r.revision); }));
}

}  // namespace myetcd::mvcc
