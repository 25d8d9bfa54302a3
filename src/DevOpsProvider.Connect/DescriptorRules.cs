using System.Text.RegularExpressions;

namespace DevOpsProvider.Connect;

/// <summary>Rules of the Connect descriptor that both the app (its tests) and the emulator (its install check) enforce.</summary>
public static partial class DescriptorRules
{
    /// <summary>App keys: letters, digits, dashes, dots and underscores, at most 64 characters (Connect's rule).</summary>
    [GeneratedRegex("^[a-zA-Z0-9-._]{1,64}$")]
    public static partial Regex AppKey();

    /// <summary>The jiraDevOpsComponentProvider module key: ^[a-zA-Z0-9-]+$, at most 100 characters.</summary>
    [GeneratedRegex("^[a-zA-Z0-9-]{1,100}$")]
    public static partial Regex ModuleKey();

    public const string ModuleName = "jiraDevOpsComponentProvider";

    public static readonly string[] ActionNames = ["associateEntity", "disassociateEntity", "onEntityAssociated", "onEntityDisassociated"];

    public static readonly string[] LifecycleNames = ["installed", "uninstalled", "enabled", "disabled"];
}
