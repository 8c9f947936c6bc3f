public enum NodeServerPlaceholder {}
