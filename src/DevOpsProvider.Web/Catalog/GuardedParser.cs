using YamlDotNet.Core;
using YamlDotNet.Core.Events;

namespace DevOpsProvider.Web.Catalog;

/// <summary>
/// Passes YAML events through but refuses aliases (the "billion laughs" expansion: a few KB of anchors and aliases
/// can stand for gigabytes once walked) and nesting deeper than any catalog file needs (building the node tree
/// recurses once per level).
/// </summary>
public sealed class GuardedParser(IParser inner) : IParser
{
    public const int MaxDepth = 64;

    private int _depth;

    public ParsingEvent? Current => inner.Current;

    public bool MoveNext()
    {
        if (!inner.MoveNext())
        {
            return false;
        }

        switch (inner.Current)
        {
            case AnchorAlias alias:
                throw new YamlException(alias.Start, alias.End, "YAML aliases (*name) are not accepted in catalog files");
            case SequenceStart or MappingStart when ++_depth > MaxDepth:
                throw new YamlException(inner.Current.Start, inner.Current.End, $"YAML nested deeper than {MaxDepth} levels is not accepted");
            case SequenceEnd or MappingEnd:
                _depth--;
                break;
        }

        return true;
    }
}
