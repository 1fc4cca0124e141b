// Names of AST node kinds, for the profiler's expression spans (on_node_enter reports the kind
// as a number). A switch without default: a new NodeKind without a name fails to compile
// (-Wswitch under -Werror).
#include "anarchy/interpreter/interpreter.hpp"
#include "ast.hpp"

namespace anarchy {

std::string_view node_kind_name(uint16_t kind) {
  switch (static_cast<NodeKind>(kind)) {
    case NodeKind::Number:
      return "Number";
    case NodeKind::String:
      return "String";
    case NodeKind::Bool:
      return "Bool";
    case NodeKind::Null:
      return "Null";
    case NodeKind::DictRef:
      return "DictRef";
    case NodeKind::Name:
      return "Name";
    case NodeKind::ArrayLit:
      return "ArrayLit";
    case NodeKind::ObjectLit:
      return "ObjectLit";
    case NodeKind::Unary:
      return "Unary";
    case NodeKind::Binary:
      return "Binary";
    case NodeKind::Logical:
      return "Logical";
    case NodeKind::Conditional:
      return "Conditional";
    case NodeKind::Assign:
      return "Assign";
    case NodeKind::Update:
      return "Update";
    case NodeKind::Call:
      return "Call";
    case NodeKind::Member:
      return "Member";
    case NodeKind::Index:
      return "Index";
    case NodeKind::FunctionLit:
      return "FunctionLit";
    case NodeKind::ExprStmt:
      return "ExprStmt";
    case NodeKind::If:
      return "If";
    case NodeKind::While:
      return "While";
    case NodeKind::For:
      return "For";
    case NodeKind::ForIn:
      return "ForIn";
    case NodeKind::ForOf:
      return "ForOf";
    case NodeKind::Block:
      return "Block";
    case NodeKind::Return:
      return "Return";
    case NodeKind::Break:
      return "Break";
    case NodeKind::Continue:
      return "Continue";
    case NodeKind::Try:
      return "Try";
    case NodeKind::Throw:
      return "Throw";
    case NodeKind::Loop:
      return "Loop";
  }
  return "Node";
}

}  // namespace anarchy
